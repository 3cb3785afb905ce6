// Placeholder until the stats kernel binding lands.
export {};
