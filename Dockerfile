# One image for every sagashop process: the command picks the entry
# (`node dist/gateway/main.js`, `node dist/services/<name>/main.js`), as
# docker-compose.yml and deploy/k8s do. test/deploy/image.test.ts keeps those
# commands, this file and the build layout in step.

# Debian slim rather than Alpine: the Temporal worker's native bridge is built
# against glibc.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# No package needs its install script (npm 11 on our machines runs none, and
# the build and the tests pass there); skipping them keeps the build offline-safe.
RUN npm ci --ignore-scripts
COPY tsconfig.base.json tsconfig.json tsconfig.build.json ./
COPY shared ./shared
COPY activities ./activities
COPY workflows ./workflows
COPY services ./services
COPY gateway ./gateway
COPY shop ./shop
COPY scripts ./scripts
# Also pre-bundles each service's workflows beside its compiled module, so workers never
# need webpack or the TypeScript sources at start-up.
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production
# In a container the process must answer on the container's address, not loopback.
ENV HOST=0.0.0.0
# Tracing starts before anything it instruments is loaded (shared/telemetry/preload.ts);
# it loads nothing unless OTEL_EXPORTER_OTLP_ENDPOINT is set.
# V8's young generation and glibc's allocator sized for small resident memory
# (scripts/stack/runtime-tuning.ts says why; the local stack runs the same).
ENV NODE_OPTIONS="--import=/app/dist/shared/telemetry/preload.js --max-semi-space-size=1"
ENV MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
# Numeric, so Kubernetes' runAsNonRoot can verify it (a user name cannot be
# checked against 0); 1000 is the image's `node` user.
USER 1000:1000
CMD ["node", "dist/gateway/main.js"]
