// Result<T>: a value or an Error, shaped like std::expected so it can become one on C++23.
#pragma once

#include <cassert>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

#include "rdr/common/error.h"

namespace rdr {

template <typename T> class [[nodiscard]] Result {
  static_assert(!std::is_same_v<std::decay_t<T>, Error>, "Result<Error> is meaningless");

public:
  using value_type = T;

  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    assert(has_value() && "Result::value() called on an error");
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(has_value() && "Result::value() called on an error");
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(has_value() && "Result::value() called on an error");
    return std::get<0>(std::move(state_));
  }
  const Error& error() const {
    assert(!has_value() && "Result::error() called on a value");
    return std::get<1>(state_);
  }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  template <typename U> T value_or(U&& fallback) const& {
    return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

private:
  std::variant<T, Error> state_;
};

template <> class [[nodiscard]] Result<void> {
public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}

  bool has_value() const { return !error_.has_value(); }
  explicit operator bool() const { return has_value(); }
  const Error& error() const {
    assert(!has_value() && "Result::error() called on a value");
    return *error_;
  }

private:
  std::optional<Error> error_;
};

using Status = Result<void>;

inline Status okStatus() { return {}; }

} // namespace rdr

#define RDR_CONCAT_INNER_(a, b) a##b
#define RDR_CONCAT_(a, b) RDR_CONCAT_INNER_(a, b)

// Returns the error of a Result/Status expression from the enclosing function.
#define RDR_RETURN_IF_ERROR(expr)                                                                  \
  do {                                                                                             \
    auto&& rdr_status_ = (expr);                                                                   \
    if (!rdr_status_.has_value()) {                                                                \
      return rdr_status_.error();                                                                  \
    }                                                                                              \
  } while (false)

// Declares or assigns `lhs` from a Result expression, or returns its error.
#define RDR_ASSIGN_OR_RETURN(lhs, expr)                                                            \
  auto RDR_CONCAT_(rdr_result_, __LINE__) = (expr);                                                \
  if (!RDR_CONCAT_(rdr_result_, __LINE__).has_value()) {                                           \
    return RDR_CONCAT_(rdr_result_, __LINE__).error();                                             \
  }                                                                                                \
  lhs = std::move(RDR_CONCAT_(rdr_result_, __LINE__)).value()
