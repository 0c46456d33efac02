export {
  MAX_SEARCH_LIMIT,
  SEARCHABLE_TABLES,
  type SearchableTable,
  type SearchOptions,
  searchDocs,
} from "./search";
export { type FilterToSqlOptions, filterToSql, likePattern } from "./to-sql";
export * from "./types";
