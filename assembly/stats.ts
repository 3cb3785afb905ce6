// owned by the stats kernel work; see assembly/index.ts
