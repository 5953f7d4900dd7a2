# syntax=docker/dockerfile:1
# The same build CI runs: npm install (lockfile), generate:check, typecheck, then tsc; the runtime
# image has production dependencies only and runs as a non-root user.
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY api/package.json api/
COPY sdks/typescript/package.json sdks/typescript/
COPY examples/package.json examples/
RUN npm install --no-audit --no-fund --loglevel=error
COPY . .
RUN npm run generate:check && npm run typecheck && npm run build -w api && npm run build:portal

FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY api/package.json api/
COPY sdks/typescript/package.json sdks/typescript/
COPY examples/package.json examples/
RUN npm install --omit=dev --workspace api --include-workspace-root=false --no-audit --no-fund --loglevel=error

FROM node:24-slim
ENV NODE_ENV=production PORT=3000 PLINTH_DATA_DIR=/var/lib/plinth
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/api/dist ./api/dist
COPY --from=build /app/api/package.json ./api/package.json
COPY --from=build /app/openapi ./openapi
COPY --from=build /app/developer-portal/dist ./developer-portal/dist
RUN mkdir -p /var/lib/plinth && chown node:node /var/lib/plinth
USER node
EXPOSE 3000
# DATABASE_URL points at your PostgreSQL; without it Plinth starts an embedded one in /var/lib/plinth.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# A 160 MB old-space cap keeps RSS near 160 MB under load (npm run bench); raise it with PLINTH_HEAP_MB.
CMD ["sh", "-c", "exec node --enable-source-maps --max-semi-space-size=8 --max-old-space-size=${PLINTH_HEAP_MB:-160} api/dist/src/main.js"]
