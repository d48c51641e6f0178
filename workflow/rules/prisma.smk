# PRISMA 2020 flow diagram from corpus/search_log.yaml (identification, screening, inclusion counts).


rule prisma:
    input:
        search_log=config["search_log"],
        manifest=config["manifest"],
    output:
        svg=results("figures/prisma.svg"),
        png=results("figures/prisma.png"),
    params:
        code=library_digest("prisma"),
    conda:
        "../envs/reviewflow.yaml"
    log:
        results("logs/prisma.log"),
    script:
        "../../scripts/prisma.py"
