// Rivulet's version, in the one place it is written: the CLI's `--version`, the client's
// ApiVersions software version and the package's `VERSION` export read it from here, and a
// test keeps it equal to package.json's.
export const VERSION = '0.1.0';
