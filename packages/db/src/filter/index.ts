export {
  MAX_SEARCH_LIMIT,
  SEARCHABLE_TABLES,
  type SearchableTable,
  type SearchOptions,
  searchDocs,
} from "./search";
export { type FilterToSqlOptions, filterToSql, jsonPathOf, likePattern, validateFilter } from "./to-sql";
export { FilterError } from "./types";
