# The project's own services (simulator, materializer, trainer, gateway) for
# docker compose users. The local, Docker-free path is `npm start`.
FROM node:20-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends python3-venv && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# npm ci's postinstall applies patches/ (patch-package)
COPY patches patches
RUN npm ci --no-audit --no-fund
COPY trainer/python/requirements.txt trainer/python/requirements.txt
RUN python3 -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir -r trainer/python/requirements.txt
COPY . .
ENV TRAIN_PYTHON=/opt/venv/bin/python
