# The apiserver, proxy-sim and the demo walkthrough, in one image.
# NODE_IMAGE lets a machine without registry access use a stand-in it built itself
# (scripts/build-node-image.sh).
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY apiserver apiserver
COPY proxy-sim proxy-sim
COPY shared shared
COPY demo demo
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev --ignore-scripts

FROM ${NODE_IMAGE}
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
# Where proxy-sim keeps its rules file; a volume mounted here inherits the owner.
RUN ["node", "-e", "require('fs').mkdirSync('/var/lib/clusterip-lab', { recursive: true }); require('fs').chownSync('/var/lib/clusterip-lab', 1000, 1000)"]
USER 1000:1000
ENTRYPOINT ["node"]
CMD ["dist/apiserver/main.js", "--help"]
