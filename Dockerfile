# One image for every sagashop process; docker-compose.yml picks the entry point.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev
COPY shared ./shared
COPY activities ./activities
COPY workflows ./workflows
COPY services ./services
COPY gateway ./gateway
COPY tsconfig.json ./
ENV NODE_ENV=production HOST=0.0.0.0
USER node
