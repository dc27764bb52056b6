# syntax=docker/dockerfile:1
# Stewards' production image. There is no Docker engine in CI: `npm run docker:check`
# (scripts/build-like-dockerfile.ts) reads this file and runs the same steps without
# Docker, then starts the CMD with NODE_ENV=production and runs the HEALTHCHECK.
# Keep to the instructions that script understands.

# Build stage: compile TypeScript with the dev dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bin ./bin
COPY bench ./bench
COPY scripts ./scripts
COPY test/fake-github ./test/fake-github
COPY test/support ./test/support
RUN npm run build

# Runtime stage: production dependencies and the compiled server and CLI only
# (not the benchmarks, scripts or test fakes the build stage also compiles).
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    STEWARDS_DATA_DIR=/data \
    PORT=3000 \
    HOST=0.0.0.0
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/bin ./dist/bin
COPY bin/stewards.js ./bin/stewards.js
COPY app.yml ./
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# bin/start.ts stops the server, waits for background work and closes the store on SIGTERM.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "dist/bin/start.js"]
