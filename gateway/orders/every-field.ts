// A view built field by field drops a field nobody remembered to copy: typed as
// EveryField<View>, the object must name every field of the view, optional ones too
// (as undefined when absent), so a field added to the view does not compile until
// the mapper sets it. Undefined members are left out of the JSON answer.
type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];

export type EveryField<T> = { [K in Exclude<keyof T, OptionalKeys<T>>]: T[K] } & { [K in OptionalKeys<T>]: T[K] | undefined };
