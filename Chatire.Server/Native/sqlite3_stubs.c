/*
 * Entry points that SQLitePCLRaw's e_sqlite3 provider declares but a stock SQLite build
 * (such as the distribution's libsqlite3.a linked into the static executable) does not have:
 * encryption (SEE/SQLCipher) and WAL snapshots. Chatire uses neither; each answers
 * SQLITE_ERROR so a caller that tries gets an error instead of an unresolved symbol.
 */
#include <stddef.h>

#define CHATIRE_SQLITE_ERROR 1

int sqlite3_key(void *db, const void *key, int size) { (void)db; (void)key; (void)size; return CHATIRE_SQLITE_ERROR; }
int sqlite3_key_v2(void *db, const char *name, const void *key, int size) { (void)db; (void)name; (void)key; (void)size; return CHATIRE_SQLITE_ERROR; }
int sqlite3_rekey(void *db, const void *key, int size) { (void)db; (void)key; (void)size; return CHATIRE_SQLITE_ERROR; }
int sqlite3_rekey_v2(void *db, const char *name, const void *key, int size) { (void)db; (void)name; (void)key; (void)size; return CHATIRE_SQLITE_ERROR; }
int sqlite3_snapshot_get(void *db, const char *schema, void **snapshot) { (void)db; (void)schema; if (snapshot != NULL) { *snapshot = NULL; } return CHATIRE_SQLITE_ERROR; }
int sqlite3_snapshot_open(void *db, const char *schema, void *snapshot) { (void)db; (void)schema; (void)snapshot; return CHATIRE_SQLITE_ERROR; }
int sqlite3_snapshot_recover(void *db, const char *schema) { (void)db; (void)schema; return CHATIRE_SQLITE_ERROR; }
int sqlite3_snapshot_cmp(void *a, void *b) { (void)a; (void)b; return 0; }
void sqlite3_snapshot_free(void *snapshot) { (void)snapshot; }
