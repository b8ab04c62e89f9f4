# Avisa: one image for the API (`avisa serve`) and the workers (`avisa worker`).
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml ./
COPY core core
COPY messaging messaging
COPY workers workers
COPY api api
COPY avisa avisa
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 avisa
COPY --from=build /install /usr/local
WORKDIR /app
COPY alembic.ini ./
COPY alembic alembic
COPY core core
COPY messaging messaging
COPY workers workers
COPY api api
COPY avisa avisa
USER avisa
ENV AVISA_ENV=production PYTHONUNBUFFERED=1
EXPOSE 8000
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=3)"
CMD ["sh", "-c", "avisa db upgrade && avisa serve --host 0.0.0.0 --port 8000 --workers ${AVISA_API_PROCESSES:-2}"]
