from django.urls import path

from . import views

app_name = "letters"

urlpatterns = [
    path("verify/", views.verify_any, name="verify-any"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("<int:pk>/pdf/", views.letter_pdf, name="pdf"),
]
