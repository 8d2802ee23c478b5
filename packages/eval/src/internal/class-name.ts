/** The display name of class `index`: its entry in `classNames`, else the index. */
export function className(classNames: readonly string[] | undefined, index: number): string {
  return classNames?.[index] ?? String(index);
}
