/* opsdeck-sandbox: the embedded default platform. */
#include <stdio.h>

int main(void)
{
	puts("opsdeck-sandbox");
	return 0;
}
