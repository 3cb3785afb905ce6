// owned by the sort kernel work; see assembly/index.ts
