from reviewflow.cli import main

raise SystemExit(main())
