# syntax=docker/dockerfile:1
# Chatire in a container: the NativeAOT executable on a minimal, shell-less, non-root base.
#
#   docker build -t chatire .
#   docker run -d --name chatire -p 8000:8000 -v chatire-data:/data chatire
#   docker exec -it chatire /app/chatire user create alice    (admin commands, same settings)
#   docker stop chatire                                        (SIGTERM: clean shutdown, exit 0)
#
# Settings come from CHATIRE_* variables (below) or a file mounted at /data/appsettings.json.

# --- build: the same scripts/publish as outside containers (it apt-installs what it needs) ---
FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
WORKDIR /src
COPY . .
RUN scripts/publish \
 && install -d /out/data \
 && cp "$(ls dist/chatire-*-linux-* | grep -v '\.sha256$' | head -1)" /out/chatire

# --- run: glibc, libssl and CA certificates only; no shell, no package manager -----------------
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled
# 1654 is the image's non-root "app" user ($APP_UID).
COPY --from=build /out/chatire /app/chatire
COPY --from=build --chown=1654:1654 /out/data /data
USER 1654
WORKDIR /data
ENV CHATIRE_HOST=+ \
    CHATIRE_PORT=8000 \
    CHATIRE_DB=/data/chatire.db \
    CHATIRE_LOG_FORMAT=json
EXPOSE 8000
VOLUME ["/data"]
STOPSIGNAL SIGTERM
# No HEALTHCHECK: the image has no shell or HTTP client. Probe GET /health from the orchestrator.
ENTRYPOINT ["/app/chatire"]
CMD ["serve"]
