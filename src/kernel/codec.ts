// Placeholder until the codec kernel binding lands.
export {};
