# The project's own services (simulator, materializer, trainer, gateway) for
# docker compose users. The local, Docker-free path is `npm start`.
# Base image pinned to an exact release (Node 20.20.2, the one the project is
# tested with, on Debian bookworm), not a moving tag. To pin its digest too:
#   docker buildx imagetools inspect node:20.20.2-bookworm   # then FROM node:20.20.2-bookworm@sha256:<digest>
FROM node:20.20.2-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends python3-venv && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Built as root, so the code and its dependencies are read-only to the user that runs them.
COPY package.json package-lock.json .npmrc ./
# npm ci's postinstall applies patches/ (patch-package); npm ci checks every package against the lock's sha512 integrity
COPY patches patches
RUN npm ci --no-audit --no-fund
COPY trainer/python/requirements.txt trainer/python/requirements.txt
# The lock pins every package with its sha256 hashes (uv pip compile --generate-hashes): pip refuses a download that differs.
RUN python3 -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir --require-hashes -r trainer/python/requirements.txt
COPY . .
# What the services write (model artifacts, their cache): the only folder the runtime user owns.
RUN mkdir -p /var/lib/forecast && chown node:node /var/lib/forecast
ENV TRAIN_PYTHON=/opt/venv/bin/python STACK_DIR=/var/lib/forecast
# The official image's unprivileged user (uid 1000): the services never run as root.
USER node
