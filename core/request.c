/* Tables behind core/request.h, generated from REQUEST_LIST. */
#include "core/request.h"

#include <string.h>

struct request_info {
	const char *name;
	unsigned flags;
	const char *help;
};

#define REQUEST_INFO_(id, name, flags, help) [REQ_##id] = {name, flags, help},
static const struct request_info request_table[REQ_COUNT] = {
	[REQ_NONE] = {"none", 0, NULL},
	REQUEST_LIST(REQUEST_INFO_)
};
#undef REQUEST_INFO_

static bool request_valid(enum request req)
{
	return (int)req >= 0 && req < REQ_COUNT;
}

const char *request_name(enum request req)
{
	return request_valid(req) ? request_table[req].name : NULL;
}

bool request_from_name(const char *name, enum request *out)
{
	if (!name)
		return false;
	for (int i = 0; i < REQ_COUNT; i++) {
		if (strcmp(request_table[i].name, name) == 0) {
			*out = (enum request)i;
			return true;
		}
	}
	return false;
}

const char *request_help(enum request req)
{
	return request_valid(req) ? request_table[req].help : NULL;
}

unsigned request_flags(enum request req)
{
	return request_valid(req) ? request_table[req].flags : 0;
}
