// Empty translation unit: SwiftPM needs one source file per C target. See include/CSystem.h.
#include "CSystem.h"
