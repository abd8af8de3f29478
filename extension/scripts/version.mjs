// The one version of BitWeb is the root pom.xml's <version> (the host, the command line and
// the extension all carry it). build.mjs stamps it into both browsers' manifests; no
// manifest file holds a version of its own.

/**
 * The project's version from the text of the root pom.xml: the first <version> after
 * <artifactId>bitweb-parent</artifactId>, so a <parent> before it or a dependency's version
 * after it is not taken. Throws when there is none.
 */
export function pomVersion(pomText) {
  const text = String(pomText).replace(/<!--[\s\S]*?-->/g, '');
  const match = /<artifactId>\s*bitweb-parent\s*<\/artifactId>[\s\S]*?<version>\s*([^<\s]+)\s*<\/version>/.exec(text);
  if (!match) throw new Error('pom.xml has no <version> after <artifactId>bitweb-parent</artifactId>');
  return match[1];
}

/**
 * The manifest fields for a version: `version` is what both stores compare, one to four
 * dot-separated integers 0..65535 without leading zeros; a qualifier (`0.3.0-SNAPSHOT`) goes
 * to `version_name`, which both browsers show instead. Throws for anything else.
 */
export function manifestVersion(version) {
  const match = /^(\d+(?:\.\d+){0,3})(?:-[0-9A-Za-z.-]+)?$/.exec(String(version));
  const parts = match ? match[1].split('.') : [];
  if (!match || parts.some((p) => (p.length > 1 && p.startsWith('0')) || Number(p) > 65535)) {
    throw new RangeError(`version ${JSON.stringify(version)} cannot be a browser extension version (1 to 4 numbers 0-65535, e.g. 0.3.0)`);
  }
  return match[1] === version ? { version } : { version: match[1], version_name: version };
}
