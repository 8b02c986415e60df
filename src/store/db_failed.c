/* db_failed.c: a failed store call as the error a service reports */
#include "store/store.h"

#include "core/util.h"

int db_failed(struct fz_err *err, int rc)
{
	if (rc == DB_EBUSY || rc == DB_EUNAVAIL)
		return fz_fail(err, 503, "db_unavailable",
			       "数据库暂时不可用，请稍后再试");
	return fz_fail(err, 500, "db_error", "保存失败（数据库错误）");
}
