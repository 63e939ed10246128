#!/usr/bin/env node
// The `leadbot` command. Sources are TypeScript run through tsx's loader, so the same
// files run in development, in tests and in the container without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/app/cli.ts');
