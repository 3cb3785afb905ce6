/** The catalog's favicon: a jar (larder), drawn in SVG. */
export const CATALOG_ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect x="9" y="3" width="14" height="5" rx="1.5" fill="#b45309"/><rect x="6" y="8" width="20" height="21" rx="5" fill="#0f766e"/><rect x="10" y="14" width="12" height="9" rx="2" fill="#f0fdfa"/><rect x="12" y="17" width="8" height="1.6" fill="#0f766e"/><rect x="12" y="20" width="5" height="1.6" fill="#0f766e"/></svg>
`;
