// Run in a fresh process by save-load.node.test.ts: loads a saved SimCLRModel and prints h as JSON.
import { setupBackend } from '@simclr/core';
import { loadSimCLRModel } from '@simclr/models';
import { fileSystem } from '@simclr/models/node';
import { formulaImages } from './formula-images.js';

await setupBackend('cpu');
const model = await loadSimCLRModel(fileSystem(process.argv[2]!));
const x = formulaImages(3);
const h = model.encode(x);
process.stdout.write(JSON.stringify(Array.from(h.dataSync())));
