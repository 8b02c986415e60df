/* routes.h: the one route table */
#ifndef FZ_ROUTES_H
#define FZ_ROUTES_H

#include <stddef.h>

#include "http/http.h"

extern const struct route app_routes[];
extern const size_t app_route_count;

#endif
