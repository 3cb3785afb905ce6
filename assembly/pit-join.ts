// owned by the pit-join kernel work; see assembly/index.ts
