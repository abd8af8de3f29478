// Replaced by build.mjs in dist/<browser>/src/build-info.js with the browser name and the
// absolute path of installer/install.sh in the checkout the extension was built from.
export const BUILD = Object.freeze({ browser: null, installer: 'installer/install.sh' });
