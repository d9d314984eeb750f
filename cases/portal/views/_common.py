"""Small helpers shared by the portal's views."""


def _posted(request):
    """The POST data when the request is a POST (even an empty one, so that a form is bound and
    reports its required fields), else None."""
    return request.POST if request.method == "POST" else None
