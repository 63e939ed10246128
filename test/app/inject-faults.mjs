// Test preload (`node --import`): lets a test cause the failures the process safety net is
// for, in the real `leadbot start`, at a moment it chooses.
// SIGUSR2: a promise rejects and nobody handles it. SIGHUP: a timer callback throws.
process.on('SIGUSR2', () => {
  Promise.reject(new Error('injected rejection'));
});
process.on('SIGHUP', () => {
  setTimeout(() => {
    throw new Error('injected exception');
  }, 0);
});
