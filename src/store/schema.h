/* schema.h: the versioned migrations of the database schema
 *
 * Each migration is written once in the portable dialect, with two tokens
 * the backend replaces before running it:
 *   {ID}  an auto-numbered 64-bit primary key column type
 * plus optional backend-only text (triggers, functions) that cannot be
 * written portably.  Migrations are append-only: never edit a released one,
 * add a new version.
 */
#ifndef FZ_SCHEMA_H
#define FZ_SCHEMA_H

struct migration {
	int version;
	const char *name;
	const char *sql;        /* portable part, run first */
	const char *sql_sqlite; /* SQLite-only part or NULL */
	const char *sql_pg;     /* PostgreSQL-only part or NULL */
};

extern const struct migration schema_migrations[];
extern const int schema_migration_count;

#endif
