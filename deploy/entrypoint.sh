#!/bin/sh
# Migrate, then serve. The connection string and options come from the environment (see docker-compose.yml).
set -e
dotnet /app/platform.dll migrate
exec dotnet /app/platform.dll serve
