"""Developer tools: the local stack runner, seeding, staff accounts."""
