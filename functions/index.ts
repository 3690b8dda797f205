// Entry point of the Function App bundle: importing a function module registers it with the host.
