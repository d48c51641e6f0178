"""The living review: run history, what changed, and the PRISMA flow diagram."""
