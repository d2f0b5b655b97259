"""1EdTech CASE 1.1 packages: `export` writes a framework as a CFPackage, `package` reads anyone's
package (with source positions), `importer` turns one into a framework header and cluster files.

See docs/case.md for what maps to what and what is lost."""
