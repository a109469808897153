"""The release machinery: what changed between two versions of the standard (`diff`, from each
version's committed, generated profile), the changelog made from it, and the rewriting of a
package from one version to the next (`upgrade`). Nothing here runs when a package is validated."""
