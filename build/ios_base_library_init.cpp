// GCC 13 emits calls to std::ios_base_library_init() (GLIBCXX_3.4.32) to make sure iostreams are set up;
// GCC 12's libstdc++ does the same from its own static initialiser, so constructing one Init is all it takes.
#include <ios>

namespace std
{
    void ios_base_library_init()
    {
        static ios_base::Init init;
    }
}
