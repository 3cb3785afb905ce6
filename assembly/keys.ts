// owned by the keys kernel work; see assembly/index.ts
