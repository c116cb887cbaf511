#pragma once

#include <algorithm>
#include <cstddef>
#include <thread>
#include <vector>

namespace models {

/// Threads for splitting large, independent per-item work: `requested` when positive, else the hardware's (at
/// most 4).
inline int workerThreads(int requested = 0)
{
    return requested > 0 ? requested : int(std::min(4u, std::max(1u, std::thread::hardware_concurrency())));
}

/// Calls `work(from, to)` on `threads` contiguous ranges of [0, count), the first on the calling thread; below
/// `minimum` items (where starting threads costs more than it saves) the whole range runs on the calling thread.
template <typename Work> void parallelFor(size_t count, int threads, size_t minimum, const Work& work)
{
    if (threads <= 1 || count < minimum) {
        work(size_t(0), count);
        return;
    }
    const size_t chunk = (count + size_t(threads) - 1) / size_t(threads);
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
        pool.emplace_back(work, std::min(count, chunk * size_t(t)), std::min(count, chunk * size_t(t + 1)));
    work(size_t(0), std::min(count, chunk));
    for (std::thread& thread : pool)
        thread.join();
}

} // namespace models
