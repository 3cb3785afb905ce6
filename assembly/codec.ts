// owned by the codec kernel work; see assembly/index.ts
