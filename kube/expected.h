#pragma once

#include "apierror.h"

#include <utility>
#include <variant>

namespace kube {

/// A value or the ApiError that prevented it (errors never travel as exceptions).
template <typename T> class Expected {
public:
    Expected(T value)
        : m_v(std::move(value))
    {
    }
    Expected(ApiError error)
        : m_v(std::move(error))
    {
    }

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() { return std::get<0>(m_v); }
    const T& value() const { return std::get<0>(m_v); }
    T& operator*() { return value(); }
    const T& operator*() const { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    const ApiError& error() const { return std::get<1>(m_v); }

private:
    std::variant<T, ApiError> m_v;
};

} // namespace kube
