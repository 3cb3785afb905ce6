// Placeholder until the keys kernel binding lands.
export {};
