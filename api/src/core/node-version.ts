// Imported first by every entry point: a clear line instead of an obscure failure on an old Node.
const REQUIRED_MAJOR = 24;
const major = Number(process.versions.node.split('.')[0]);
if (major < REQUIRED_MAJOR) {
  process.stderr.write(
    `Plinth needs Node.js ${REQUIRED_MAJOR} or later; this is ${process.version}. Run it with npm start or npm run dev (they use the Node ${REQUIRED_MAJOR} installed by npm install), or install Node ${REQUIRED_MAJOR}.\n`,
  );
  process.exit(1);
}

export {};
