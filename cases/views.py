"""Pages. Thin: parse input, call a selector or service, render."""

from django.shortcuts import render


def home(request):
    return render(request, "home.html")
