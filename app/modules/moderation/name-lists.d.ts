// The name lists of gender-detection-from-name: CommonJS modules exporting a Map of lower-case name → gender.
declare module "gender-detection-from-name/names/de.js" {
  const names: Map<string, string>;
  export default names;
}
declare module "gender-detection-from-name/names/tr.js" {
  const names: Map<string, string>;
  export default names;
}
