FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm install --no-save tsx
COPY . .
ENV NODE_ENV=production
CMD ["node", "--import", "tsx", "api/server.ts"]
