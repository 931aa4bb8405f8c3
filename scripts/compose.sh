# Sourced by the scripts that run the compose file: Compose v2 as a docker plugin
# (`docker compose`) where it is installed, else the v1 binary Debian ships (`docker-compose`).
compose_command() {
  if docker compose version >/dev/null 2>&1; then
    echo "docker compose"
  elif command -v docker-compose >/dev/null 2>&1; then
    echo "docker-compose"
  else
    echo "neither 'docker compose' nor 'docker-compose' is installed" >&2
    return 1
  fi
}
