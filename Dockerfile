# syntax=docker/dockerfile:1
# Production image for meitong: one image serves `api` (uvicorn), `worker` and `migrate`
# (see docker-compose.yml). Node is only a build tool here: it installs the browser assets
# (ECharts, ...) from package-lock.json; nothing is fetched at run time.

# --- 1. browser assets ---------------------------------------------------------------------------
FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
# --ignore-scripts: these are static assets; no postinstall (e.g. telemetry) needs to run.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# --- 2. Python environment -----------------------------------------------------------------------
FROM python:3.11-slim AS python-build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY pyproject.toml ./
# The pinned dependencies get their own layer: they change far less often than the code.
RUN python -c "import tomllib; [print(d) for d in tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']]" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt
COPY backend ./backend
COPY apps ./apps
COPY geo ./geo
COPY devices ./devices
RUN pip install .

# --- 3. runtime ----------------------------------------------------------------------------------
FROM python:3.11-slim
# tzdata: times are shown in Asia/Shanghai, and slim images may ship without the zone files.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 meitong \
    && useradd --system --uid 10001 --gid meitong --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin meitong \
    && mkdir -p /app/var \
    && chown meitong:meitong /app/var
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MEITONG_VAR_DIR=/app/var \
    MEITONG_NODE_MODULES_DIR=/app/node_modules \
    WEB_CONCURRENCY=4
# Code and dependencies live in the venv (site-packages); /app holds only assets and state,
# so `uvicorn` and the `meitong` command import the same installed package.
COPY --from=python-build /opt/venv /opt/venv
COPY --from=assets /build/node_modules /app/node_modules
WORKDIR /app
USER meitong
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
# exec: uvicorn becomes PID 1 and receives SIGTERM for a graceful shutdown.
CMD ["sh", "-c", "exec uvicorn backend.asgi:app --host 0.0.0.0 --port 8000 --workers ${WEB_CONCURRENCY:-4} --no-proxy-headers"]
